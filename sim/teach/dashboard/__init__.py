"""The browser dashboard for workshops (Solara): one world step by step, team play, debrief."""
