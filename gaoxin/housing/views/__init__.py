"""Housing pages, one module per audience:

    public        announcements, notices, results, published files and reports (anyone)
    applicant     registration and the household's own application
    backoffice    the batch page, set-up, registration and notice transitions
    review        the automatic review, overrides, objections
    draw          the notary's reveal, the draw request and its progress
    unit_choice   the unit-choice desk, contracts, closing the sale

Every rule is an access.py call, every write a service call, every transition its own URL
(POST only); pages show the actions `selectors.batch_actions` says are available."""
