// Moved to src/shared/sql.ts (the destinations API filters the same way);
// kept so admin modules import it where they always have.
export * from "../shared/sql";
