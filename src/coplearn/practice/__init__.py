"""The learner's and the team manager's own records and documents: the reflective journal, CPD
export for the four UK regulators, progress and the record of study, the team survey and its report.
"""
