import type { Role } from "./auth/session";

/** Where each role lands after sign-in: one declaration, read by the router and the menu. */
export const HOME: Record<Role, string> = {
  hq: "/hq",
  viewer: "/hq",
  admin: "/hq",
  province: "/province",
};

export const BOARD_ROLES = (Object.keys(HOME) as Role[]).filter((r) => HOME[r] === "/hq");
