export const handler = async (event) => ({ from: 'ESM syntax in a .js without type', event });
