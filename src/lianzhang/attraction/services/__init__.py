"""Services of the attraction app: recommendations, the pool import, the lead stage
machine, deadlines, duplicates, events, pipeline metrics and the lead → project line."""
