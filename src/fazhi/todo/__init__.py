"""待办与预警: every open record that needs a step, with its deadline, across all ledgers."""
