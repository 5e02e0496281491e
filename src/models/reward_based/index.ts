/** The reward_based family (a network trained on a trading objective); importing registers it. */
import { registerFamily } from "../registry.js";
import { rewardBasedFamily } from "./family.js";

registerFamily(rewardBasedFamily);

export { rewardBasedFamily, previousRows } from "./family.js";
export { rewardParamsSchema, buildRewardNet, type RewardParams } from "./network.js";
export { negativeSharpe } from "./objective.js";
