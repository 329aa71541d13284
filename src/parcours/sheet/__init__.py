"""The policy sheet (``parcours fiche``): what a policy says, value by value, with its sources."""
