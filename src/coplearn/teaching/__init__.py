"""What the course adds around the paper to teach it (ours, not the paper's): the routes through
the course, sorting activities, vignettes, groupwork moments and interface checks, one module per
lesson or small group of lessons.
"""
