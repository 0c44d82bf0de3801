"""Terraform plan and state JSON as inputs.

- a plan (`terraform show -json PLAN`): what `terraform apply` will build, with the values
  only known after apply marked UNKNOWN (`loader.load` -> `plan.plan_resources`);
- a state (`terraform show -json` on a state, or a raw `terraform.tfstate` of version 4):
  what is deployed (`state.state_resources`).

Both give RawResources with the addresses Terraform prints and the attribute shapes the HCL
evaluator produces (nested blocks are lists of dicts), so the normalizers and policies are the
same for every input.
"""
