// Moved to src/shared/cursor.ts (the destinations API pages the same way);
// kept so admin modules import it where they always have.
export * from "../shared/cursor";
