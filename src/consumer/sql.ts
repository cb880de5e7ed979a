// Moved to src/shared/sql.ts (forwarding writes its deliveries the same way);
// kept so consumer modules import it where they always have.
export { insertRows, MAX_BOUND_PARAMS } from "../shared/sql";
