/** Pull the name of the failing object out of an error message; null when it isn't named. */

function first(text: string, ...patterns: RegExp[]): string | null {
	for (const pattern of patterns) {
		const value = pattern.exec(text)?.[1]?.trim();
		if (value) return value;
	}
	return null;
}

function withoutQuery(url: string): string {
	return url.replace(/[?#].*$/, '');
}

/** "ContainerName: https://acct.blob.core.windows.net/landing, path: a/b.csv." */
export function blobPath(text: string): string | null {
	const container = first(text, /\bContainer(?:Name)?:\s*([^,'\s]+)/i);
	const path = first(text, /\bpath:\s*([^,'\s]+?)\.?(?:[,']|\s|$)/i);
	if (container && path) return `${withoutQuery(container).replace(/\/$/, '')}/${path}`;
	return container ? withoutQuery(container) : path;
}

/** ADLS Gen2: "Account: 'acct'. FileSystem: 'raw'. Path: 'sales/x.parquet'." */
export function adlsPath(text: string): string | null {
	const fileSystem = first(text, /FileSystem:\s*'([^']+)'/i);
	const path = first(text, /\bPath:\s*'([^']+)'/i);
	const account = first(text, /\bAccount:\s*'([^']+)'/i);
	if (!fileSystem && !path) return storageUrl(text);
	const location = [fileSystem, path].filter(Boolean).join('/');
	return account ? `${account}/${location}` : location;
}

export function storageUrl(text: string): string | null {
	const url = first(
		text,
		/(https?:\/\/[\w-]+\.(?:blob|dfs|file|queue|table)\.core\.windows\.net[^\s'",]*)/i
	);
	return url ? withoutQuery(url).replace(/\.$/, '') : null;
}

export function sqlServer(text: string): string | null {
	return first(
		text,
		/\bServer(?:Name)?:\s*'([^']+)'/i,
		/\bServer\s*=\s*(?:tcp:)?([^;,'\s]+)/i,
		/([\w-]+\.(?:database\.windows\.net|sql\.azuresynapse\.net))/i
	);
}

/** Table names as SQL Server, Spark and Delta print them. */
export function tableName(text: string): string | null {
	const raw = first(
		text,
		/duplicate key in object '([^']+)'/i,
		/in the table '([^']+)'/i,
		/table or view ((?:`[^`]+`\.?)+)/i,
		/\bTable '([^']+)'/,
		/\bon table ((?:`[^`]+`\.?)+|[\w.]+)/i
	);
	return raw ? raw.replace(/`/g, '') : null;
}

export function columnName(text: string): string | null {
	return first(
		text,
		/with name `([^`]+)` cannot be resolved/i,
		/cannot resolve '`?([^'`]+)`?'/i,
		/Column '([^']+)' does not exist/i,
		/column "([^"]+)" does not exist/i
	);
}

export function notebookPath(text: string): string | null {
	return first(
		text,
		/notebook[:\s]+"?((?:\/(?:Workspace|Repos|Users|Shared))\/[^\s"',]+)/i,
		/((?:\/(?:Workspace|Repos|Users|Shared))\/[^\s"',]+)/
	);
}

/** `pypi { package: "x==1" }`, `maven { coordinates: "g:a:v" }`, `jar: "dbfs:/x.jar"`. */
export function libraryName(text: string): string | null {
	return first(
		text,
		/package:\s*"([^"]+)"/i,
		/coordinates:\s*"([^"]+)"/i,
		/\b(?:jar|whl|egg|requirements):\s*"([^"]+)"/i
	);
}

export function moduleName(text: string): string | null {
	return first(text, /No module named '([^']+)'/);
}

export function clusterId(text: string): string | null {
	return first(text, /\b(\d{4}-\d{6}-[a-z0-9]{8})\b/);
}

export function keyVaultName(text: string): string | null {
	return first(text, /key vault '([^';]+)/i, /https:\/\/([\w-]+)\.vault\.azure\.net/i);
}

export function integrationRuntime(text: string): string | null {
	return first(text, /integration runtime\s*'([^']+)'/i, /\bIR\s*'([^']+)'/);
}

export function endpointUrl(text: string): string | null {
	const url = first(text, /endpoint\s*'([^']+)'/i, /(https?:\/\/[^\s'",]+)/i);
	return url ? withoutQuery(url) : null;
}

export function sftpHost(text: string): string | null {
	return first(text, /sftp server\s*'([^']+)'/i, /\bhost\s*'([^']+)'/i);
}

/** "Operation on target Copy_Customers failed" → the activity that failed. */
export function activityName(text: string): string | null {
	return first(text, /Operation on target (\S+) failed/i);
}

export function sourceFile(text: string): string | null {
	return first(text, /\bsource '([^']+)'/i, /\bfile(?:Name)?:?\s*'([^']+)'/i);
}

export function quotaFamily(text: string): string | null {
	return first(text, /exceeding approved (\S+) Cores quota/i);
}

/** Unity Catalog: "User does not have USE CATALOG on Catalog 'main'." */
export function securable(text: string): string | null {
	const match = /\bon (Catalog|Schema|Table|Volume|Function|External Location) '([^']+)'/i.exec(
		text
	);
	return match ? `${match[1]?.toLowerCase()} ${match[2]}` : null;
}

export function hostPort(text: string): string | null {
	return first(text, /ECONNREFUSED\s+([\w.:-]+)/, /connect(?:ion)? to ([\w.-]+:\d+)/i);
}

export function dbtModel(text: string): string | null {
	return first(text, /Error in (?:model|test|seed|snapshot) (\S+)/);
}

export function airflowTask(text: string): string | null {
	return first(text, /upstream task (\S+)/i, /TaskInstance: (\S+)/);
}

export function sparkPath(text: string): string | null {
	const path = first(text, /Path does not exist:\s*(\S+)/i);
	return path ? path.replace(/[.,;]$/, '') : null;
}

export function deltaTable(text: string): string | null {
	return first(text, /Delta table \(Table ID: ([\w-]+)\)/i) ?? tableName(text);
}
