/**
 * Alerts wrap the cause in layers: ADF `Operation on target X failed:` and `Failure happened on
 * 'Source' side. ErrorCode=…,'Type=…,Message=…`, Py4J / `java.lang.*Exception:` chains with
 * `Caused by:`, Databricks `run failed with error message`, Airflow `AirflowException:`.
 * `layers` returns the text from the innermost cause outwards (the whole text last), so the
 * classifier can judge the root cause before the words of a wrapper.
 */

const PREFIXES: readonly RegExp[] = [
	/^\s*Operation on target [^\n]*? failed:\s*/i,
	/^\s*Failure happened on '\w+' side\.\s*/i,
	/^\s*(?:[\w.]*\.)?AirflowException:\s*/,
	/^\s*Task failed\. State: \w+\. Error:\s*/i,
	/^\s*(?:Run \S+ |Job |Notebook )?(?:run )?failed with error message\s*/i,
	/^\s*Run result unavailable: job failed with error message\s*/i,
	/^\s*Cell \d+ raised:\s*/i,
	/^\s*(?:py4j\.protocol\.)?Py4JJavaError: An error occurred while calling [\w.]+\.\s*:?\s*/i,
	/^\s*Notebook run failed:\s*/i,
	/^\s*(?:pyspark\.errors\.exceptions\.captured\.|org\.apache\.spark\.sql\.|com\.databricks\.sql\.transaction\.tahoe\.)(?:Analysis|DeltaAnalysis|Delta)Exception:\s*/,
	/^\s*\[[\d\-, :UTC]+\] \{[\w.:]+\} ERROR - Task failed with exception\s*/,
	/^\s*Traceback \(most recent call last\):[\s\S]*?\n(?=\S)/
];

const MAX_LAYERS = 6;

export function stripWrappers(text: string): string {
	let current = text;
	for (let i = 0; i < 20; i++) {
		const before = current;
		for (const prefix of PREFIXES) current = current.replace(prefix, '');
		if (current === before) break;
	}
	return current.trim();
}

export function layers(text: string): string[] {
	const found: string[] = [];
	const add = (layer: string | undefined) => {
		const trimmed = layer?.trim();
		if (trimmed && trimmed.length > 3 && !found.includes(trimmed)) found.push(trimmed);
	};
	// Java "Caused by:" chains: the last one is the root.
	const causes = [...text.matchAll(/Caused by: ([^\n]+)/g)].map((m) => m[1]);
	add(causes.at(-1));
	// ADF: the last `Message=` is the innermost exception's message.
	const messages = [...text.matchAll(/Message=([\s\S]*?)(?:,Source=|,'|$)/g)].map((m) => m[1]);
	add(messages.at(-1));
	if (messages.length > 1) add(messages.at(-2));
	add(stripWrappers(text));
	add(text);
	return found.slice(0, MAX_LAYERS).concat(found.length > MAX_LAYERS ? [text] : []);
}
