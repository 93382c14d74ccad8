export const handler = async (event) => ({ from: '"type": "module" package', event });
