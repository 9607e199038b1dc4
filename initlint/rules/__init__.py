"""initlint's rules: one class per file; `registry.all_rules()` finds them."""
