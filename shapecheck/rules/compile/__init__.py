"""SC2xx: compile() arguments."""
