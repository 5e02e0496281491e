import type { CheckCollector } from "../checks/report.js";
import type { TimestampOptions } from "../timestamps.js";
import type { HeaderOptions } from "./header.js";

/** What every file reader needs besides the file: how to find columns and read times, and where findings go. */
export interface ReaderContext {
  header: HeaderOptions;
  timestamps: TimestampOptions;
  checks: CheckCollector;
}
