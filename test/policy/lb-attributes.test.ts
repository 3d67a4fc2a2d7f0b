/**
 * The pack reads load balancer attributes as the AWS Load Balancer Controller does: these are the cases of the
 * controller's own test of its string-map annotations (v3.5.0 pkg/annotations/parser_test.go,
 * Test_serviceAnnotationParser_ParseStringMapAnnotation).
 */
import { controllerStringMap } from "../../policy/lb-attributes";

describe("a string-map annotation, read as the load balancer controller reads it", () => {
  it("splits pairs on commas and each pair at its first =, trimming both sides", () => {
    expect(controllerStringMap("key1=value1, key2=value2, key3/with-slash=value3, key4/empty-value=")).toEqual({
      key1: "value1",
      key2: "value2",
      "key3/with-slash": "value3",
      "key4/empty-value": "",
    });
    expect(controllerStringMap("key1=Mjk5NzkyNDU4Cg==, foo=ZGF=0=ZQo=, res=value_:/=+-@")).toEqual({
      key1: "Mjk5NzkyNDU4Cg==",
      foo: "ZGF=0=ZQo=",
      res: "value_:/=+-@",
    });
  });

  it("takes an escaped comma into the value", () => {
    expect(
      controllerStringMap(
        "key1=value1\\,valueOne, key2= value2, key3/with-slash=value3\\,valueThree, key4/empty-value=",
      ),
    ).toEqual({
      key1: "value1,valueOne",
      key2: "value2",
      "key3/with-slash": "value3,valueThree",
      "key4/empty-value": "",
    });
  });

  it("fails the whole annotation on a pair without = or with an empty key", () => {
    expect(() => controllerStringMap("key1,key2")).toThrow("failed to parse stringMap annotation: key1,key2");
    expect(() => controllerStringMap("=value")).toThrow("failed to parse stringMap annotation: =value");
  });

  it("keeps the last value of a repeated key", () => {
    expect(controllerStringMap("deletion_protection.enabled=true,deletion_protection.enabled=false")).toEqual({
      "deletion_protection.enabled": "false",
    });
  });
});
