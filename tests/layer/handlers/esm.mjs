export const handler = async (event) => ({ from: 'esm.mjs', event });
export default { handler: async () => 'default export object' };
