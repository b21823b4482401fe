import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { ROLES, UserEntity, type Role, type User } from '../auth/entities.ts';
import { ApiError } from '../http/errors.ts';
import { isUuid, notFound } from './errors.ts';

export const RoleBody = z.object({ role: z.enum(ROLES) });

export interface UserDto {
	id: string;
	email: string;
	name: string;
	role: Role;
	created_at: Date;
}

export async function listUsers(em: EntityManager): Promise<UserDto[]> {
	const rows = await em.find(UserEntity, {}, { orderBy: { createdAt: 'asc', email: 'asc' } });
	return rows.map(toDto);
}

/**
 * Changes a role; takes effect on the user's next request (sessions read the role each time).
 * The admin rows are locked first, so two admins demoting each other at once cannot leave
 * Vigil with nobody able to administer it.
 */
export async function setUserRole(em: EntityManager, id: string, role: Role): Promise<UserDto> {
	if (!isUuid(id)) throw notFound('user');
	return em.transactional(async (tx) => {
		const admins = await tx.find(
			UserEntity,
			{ role: 'admin' },
			{ lockMode: LockMode.PESSIMISTIC_WRITE, orderBy: { id: 'asc' } }
		);
		const user = await tx.findOne(UserEntity, { id });
		if (!user) throw notFound('user');
		if (user.role === 'admin' && role !== 'admin' && admins.length <= 1)
			throw new ApiError(
				409,
				'last_admin',
				'This is the last admin: make another user admin before changing this role'
			);
		user.role = role;
		await tx.flush();
		return toDto(user);
	});
}

function toDto(u: User): UserDto {
	return { id: u.id, email: u.email, name: u.name, role: u.role, created_at: u.createdAt };
}
