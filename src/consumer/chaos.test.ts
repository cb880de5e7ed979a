import { describe, expect, it } from "vitest";
import { TransientError } from "../events/contract";
import { injectChaos } from "./chaos";

describe("chaos switch", () => {
	it("never fails at rate 0, whatever the dice say", () => {
		expect(() => injectChaos(0, () => 0)).not.toThrow();
	});

	it("fails with a transient error when the dice fall under the rate", () => {
		expect(() => injectChaos(0.2, () => 0.1)).toThrow(TransientError);
		expect(() => injectChaos(0.2, () => 0.3)).not.toThrow();
	});
});
