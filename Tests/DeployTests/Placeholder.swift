import Testing
// Placeholder until the target's tests land.
