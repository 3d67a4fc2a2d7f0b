export function alive(pid: number): boolean;
export function makeRunFolder(): string;
export function removeAbandonedRunFolders(): void;
