export { AlertManager, type AlertContext } from './manager.js';
export { DEFAULT_RULES, DEFAULT_RULE_CONFIG, evaluateRules, type Rule, type RuleConfig } from './rules.js';
export type { Alert, AlertChange, AlertChangeKind, AlertState, AuditEntry, OperatorAction, OperatorMark, Severity, Trigger } from './types.js';
