"""Heavy work outside the app's server: ``gbt-audit worker`` runs the jobs the app queues in its
own database (store/jobs.py); with no worker running the app runs them itself."""
