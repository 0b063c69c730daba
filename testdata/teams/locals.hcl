locals {
  common_tags = {
    environment = var.environment
    managed_by  = "iamsync"
  }

  # Every person with the team they belong to.
  people = merge([
    for team, t in var.teams : { for name in t.members : name => team }
  ]...)

  # Every service, keyed "team/service".
  services = merge([
    for team, t in var.teams : {
      for service in t.services : "${team}/${service}" => { team = team, service = service }
    }
  ]...)

  oncall = toset(flatten([for t in var.teams : t.oncall]))
}
