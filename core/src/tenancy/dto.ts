import { z } from 'zod';

export const signupSchema = z.object({
  tenantName: z.string().trim().min(1).max(200),
  name: z.string().trim().min(1).max(200),
  email: z.string().trim().email().max(191),
  password: z.string().min(8).max(200),
});

export const loginSchema = z.object({
  email: z.string().trim().min(1).max(191),
  password: z.string().min(1).max(200),
});

export const createUserSchema = z.object({
  name: z.string().trim().min(1).max(200),
  email: z.string().trim().email().max(191),
  password: z.string().min(8).max(200),
  role: z.enum(['admin', 'agent']),
});
