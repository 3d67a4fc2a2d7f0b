import {
  acceptedTurnSecretGenerations,
  INITIAL_TURN_SECRET_GENERATION,
  TURN_ACCEPTED_SECRETS_KEY,
  TURN_SECRET_GENERATION_ANNOTATION,
  TURN_SECRET_GENERATIONS_ANNOTATION,
  TURN_SECRET_KEY,
  turnSecretGenerationsAnnotation,
} from "../../../components/shared/turn";
import { isAnnotationKey, isSecretDataKey } from "../../support/kubernetes-names";

describe("TURN secret generations", () => {
  it("accepts the current generation first, then the other one, never one twice", () => {
    expect(acceptedTurnSecretGenerations({ current: "1", alsoAccepted: [] })).toEqual(["1"]);
    expect(acceptedTurnSecretGenerations({ current: "1", alsoAccepted: ["2"] })).toEqual(["1", "2"]);
    expect(acceptedTurnSecretGenerations({ current: "2", alsoAccepted: ["1"] })).toEqual(["2", "1"]);
    expect(acceptedTurnSecretGenerations({ current: "2", alsoAccepted: ["2"] })).toEqual(["2"]);
  });

  it("annotates the initial generation alone with nothing, so pods of old keep their template", () => {
    expect(INITIAL_TURN_SECRET_GENERATION).toBe("1");
    expect(turnSecretGenerationsAnnotation("a/b", ["1"])).toEqual({});
    expect(turnSecretGenerationsAnnotation("a/b", ["1", "1"])).toEqual({});
  });

  it("names any other set by its labels, sorted, so the set and not its order decides a roll", () => {
    expect(turnSecretGenerationsAnnotation("a/b", ["2"])).toEqual({ "a/b": "2" });
    expect(turnSecretGenerationsAnnotation("a/b", ["1", "2"])).toEqual({ "a/b": "1,2" });
    expect(turnSecretGenerationsAnnotation("a/b", ["2", "1"])).toEqual({ "a/b": "1,2" });
    expect(turnSecretGenerationsAnnotation("a/b", ["2026-q3", "1"])).toEqual({ "a/b": "1,2026-q3" });
  });
});

describe("TURN names given to Kubernetes", () => {
  it("keys the TURN Secret with two keys the API server takes, so a rotation's Secret holds both", () => {
    // During a rotation the one Secret carries both (components/credentials): LiveKit mounts TURN_SECRET_KEY, the
    // current secret alone; Coturn mounts TURN_ACCEPTED_SECRETS_KEY, every accepted one, one per line.
    for (const key of [TURN_SECRET_KEY, TURN_ACCEPTED_SECRETS_KEY]) expect(isSecretDataKey(key)).toBe(true);
    expect(TURN_ACCEPTED_SECRETS_KEY).not.toBe(TURN_SECRET_KEY);
  });

  it("annotates the pods with keys the API server takes", () => {
    for (const key of [TURN_SECRET_GENERATION_ANNOTATION, TURN_SECRET_GENERATIONS_ANNOTATION]) {
      expect(isAnnotationKey(key)).toBe(true);
    }
  });
});
