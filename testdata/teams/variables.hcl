# Inputs of the configuration. The defaults describe Acme's engineering
# organisation; another environment overrides them with -var-file.

variable "environment" {
  type        = string
  default     = "prod"
  description = "Name of the environment, used in tags and bucket names"

  validation {
    condition     = contains(["dev", "staging", "prod"], var.environment)
    error_message = "The environment must be dev, staging or prod."
  }
}

variable "audit_account_id" {
  type        = string
  default     = "210987654321"
  description = "Account of the security team's tooling, which may read this one"
}

variable "teams" {
  description = "Engineering teams: their people, the services they run and who is on call"
  type = map(object({
    members  = list(string)
    services = list(string)
    oncall   = optional(list(string), [])
  }))
  default = {
    payments = {
      members  = ["dana.kowalski", "emeka.obi", "fatima.haddad", "yara.haddad", "liam.byrne"]
      services = ["ledger", "invoicer", "refunds"]
      oncall   = ["emeka.obi"]
    }
    search = {
      members  = ["gustavo.silva", "hana.sato", "ivan.petrov", "xavier.dubois"]
      services = ["indexer", "query"]
      oncall   = ["hana.sato"]
    }
    mobile = {
      members  = ["julia.schmidt", "kofi.mensah", "lena.berg", "zoe.walker", "aisha.bello"]
      services = ["push", "api-gateway"]
    }
    data = {
      members  = ["mateo.rossi", "nadia.rahman", "oscar.lind", "pavel.novak"]
      services = ["etl", "warehouse-loader", "reports"]
      oncall   = ["nadia.rahman"]
    }
    platform = {
      members  = ["alice.nguyen", "bruno.costa", "chen.wei", "wanjiru.kamau"]
      services = ["deployer", "log-shipper"]
      oncall   = ["chen.wei", "bruno.costa"]
    }
    growth = {
      members  = ["maya.cohen", "noah.fischer", "olga.ivanova"]
      services = ["experiments"]
    }
  }
}

variable "contractors" {
  description = "External people with time-limited access, by user name"
  type = map(object({
    team       = string
    expires_at = string
  }))
  default = {
    "ext.rui.santos" = { team = "mobile", expires_at = "2031-03-31" }
    "ext.mia.jensen" = { team = "data", expires_at = "2031-06-30" }
    "ext.tom.harris" = { team = "search", expires_at = "2024-01-31" } # already expired: never created
  }
}
