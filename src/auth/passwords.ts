import bcrypt from 'bcryptjs';

const COST = process.env.NODE_ENV === 'test' ? 4 : 11;

export const hashPassword = (plain: string) => bcrypt.hash(plain, COST);
export const verifyPassword = (plain: string, hash: string | null) => (hash ? bcrypt.compare(plain, hash) : Promise.resolve(false));
