// Imports every model family so it registers itself.
import "./gbdt/index.js";
import "./nn/index.js";
import "./linear/index.js";
import "./multi_task/index.js";
import "./ensemble/index.js";
import "./meta_learning/index.js";
import "./reward_based/index.js";
import "./gan/index.js";
