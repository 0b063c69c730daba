# A role needs a trust policy, and a policy needs a document.
role "app" {}

policy "empty" {}
