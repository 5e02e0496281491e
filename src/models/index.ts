// Imports every model family so it registers itself.
import "./gbdt/index.js";
import "./nn/index.js";
import "./linear/index.js";
import "./ftrl/index.js";
import "./ngboost/index.js";
import "./regime/index.js";
import "./multi_task/index.js";
import "./ensemble/index.js";
import "./meta_learning/index.js";
import "./reward_based/index.js";
import "./gan/index.js";
