// Placeholder until the module lands. Keeps the package buildable.
enum SyncClientPlaceholder {}
