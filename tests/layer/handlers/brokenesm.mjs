export const handler = async () => { return 1 +; };
