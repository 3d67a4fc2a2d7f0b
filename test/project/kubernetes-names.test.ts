import { isAnnotationKey, isSecretDataKey } from "../support/kubernetes-names";

// The cases apimachinery v0.35.0 tests its own rules with (pkg/util/validation/validation_test.go TestIsQualifiedName,
// TestIsConfigMapKey), so the test helper agrees with the API server.
describe("the API server's name rules (test/support/kubernetes-names.ts)", () => {
  it.each([
    "simple",
    "1-starts-with-num",
    "now.with.dots/simple",
    "1.2.3.4/5678",
    "example.com/Uppercase_Is_OK_123",
    // Annotation keys are checked lower-cased (pkg/api/validation/objectmeta.go 48).
    "Example.com/abc",
    "a".repeat(63),
    `${"a".repeat(253)}/${"b".repeat(63)}`,
  ])("takes the annotation key %s", (key) => expect(isAnnotationKey(key)).toBe(true));

  it.each([
    "",
    "nospecialchars%^=@",
    "cantendwithadash-",
    "-cantstartwithadash-",
    "only/one/slash",
    "example_com/abc",
    "example.com/",
    "/simple",
    "a".repeat(64),
    `${"a".repeat(254)}/abc`,
  ])("refuses the annotation key %j", (key) => expect(isAnnotationKey(key)).toBe(false));

  it.each(["a", "still.good", ".so.is.this", "THIS_IS_GOOD", "so_is_this_17", "a".repeat(253)])(
    "takes the Secret key %s",
    (key) => expect(isSecretDataKey(key)).toBe(true),
  );

  it.each(["", ".", "..", "..bad", "b*d", "bad!&bad", "a/b", "a".repeat(254)])("refuses the Secret key %j", (key) =>
    expect(isSecretDataKey(key)).toBe(false),
  );
});
