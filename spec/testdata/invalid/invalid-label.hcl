# A label that is not an identifier cannot be referred to.
user "alice.smith" {}
