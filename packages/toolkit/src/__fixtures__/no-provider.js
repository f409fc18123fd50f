export const nothingUseful = 42;
