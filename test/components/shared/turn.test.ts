import {
  acceptedTurnSecretGenerations,
  INITIAL_TURN_SECRET_GENERATION,
  turnSecretGenerationsAnnotation,
} from "../../../components/shared/turn";

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
