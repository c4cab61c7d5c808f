"""Domain commands per path: routing by catalog, task forms, claims and completions."""
