"""CloudFormation / SAM templates: loading, intrinsics, translation, and equivalence with HCL."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from checker.api import scan
from checker.cloudformation.loader import load as load_file
from checker.cloudformation.yaml_loader import load_json, load_yaml
from checker.config import ScanConfig
from checker.errors import InputError
from checker.values import is_unknown

FIXTURES = Path(__file__).parent / "fixtures" / "equivalence"


def raws(text: str, name: str = "template.yaml", **config) -> dict:
    result = load_file(Path(name), name, text, ScanConfig(**config))
    assert result is not None, "not recognised as a template"
    assert not result.errors, result.errors
    return {r.address: r for r in result.resources}


def scan_text(tmp_path: Path, text: str, name: str = "template.yaml", **config):
    (tmp_path / name).write_text(text)
    return scan([tmp_path], ScanConfig(**config))


# ------------------------------------------------------------------ loading
def test_short_tags_become_long_form_with_lines():
    data = load_yaml("Resources:\n  A:\n    Type: AWS::S3::Bucket\n    Properties:\n"
                     "      X: !GetAtt B.Arn\n      Y: !Ref P\n      Z: !Sub '${B}'\n"
                     "      W: !If [C, !Join ['', [a, b]], !Select [0, !Split [',', 'x,y']]]\n", "t.yaml")
    props = data["Resources"]["A"]["Properties"]
    assert props["X"] == {"Fn::GetAtt": ["B", "Arn"]}
    assert props["Y"] == {"Ref": "P"}
    assert props["W"]["Fn::If"][1] == {"Fn::Join": ["", ["a", "b"]]}
    assert props.lines == {"X": 5, "Y": 6, "Z": 7, "W": 8}


def test_dates_stay_strings():
    data = load_yaml("Version: 2012-10-17\n", "t.yaml")
    assert data == {"Version": "2012-10-17"}


def test_json_with_lines():
    data = load_json('{\n "Resources": {\n  "B": {"Type": "AWS::S3::Bucket"}\n }\n}', "t.json")
    assert data["Resources"].lines == {"B": 3}
    with pytest.raises(InputError) as err:
        load_json('{\n "a": 1,\n "b": }', "t.json")
    assert err.value.line == 3


def test_alias_bomb_is_refused():
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    prev = "a"
    for i in range(1, 9):
        name = f"l{i}"
        bomb += f"{name}: &{name} [" + ", ".join(f"*{prev}" for _ in range(10)) + "]\n"
        prev = name
    text = "AWSTemplateFormatVersion: '2010-09-09'\n" + bomb + "Resources: {}\n"
    result = load_file(Path("bomb.yaml"), "bomb.yaml", text, ScanConfig())
    assert result is not None and result.errors
    assert result.errors[0].file == "bomb.yaml"
    assert "refused" in result.errors[0].message


def test_deep_nesting_is_refused():
    text = "AWSTemplateFormatVersion: '2010-09-09'\nX: " + "[" * 5000 + "]" * 5000 + "\n"
    result = load_file(Path("deep.yaml"), "deep.yaml", text, ScanConfig())
    assert result is not None and result.errors and result.errors[0].file == "deep.yaml"


def test_malformed_template_is_an_error_with_line():
    text = "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  B:\n    Type: [unclosed\n"
    result = load_file(Path("t.yaml"), "t.yaml", text, ScanConfig())
    assert result is not None and result.errors
    assert result.errors[0].line >= 4


@pytest.mark.parametrize("name,text", [
    ("deployment.yaml", "apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n"
                        "      containers:\n      - resources:\n          limits: {cpu: 1}\n"),
    ("docker-compose.yml", "services:\n  web:\n    image: nginx\n"),
    ("package.json", '{"name": "x", "version": "1.0.0"}'),
    ("broken.yaml", "key: [unclosed\n"),
    ("other.yaml", "Resources:\n  - just a list\n"),
    ("helm.yaml", "Resources:\n  thing: {{ .Values.x }}\n"),
])
def test_other_files_are_ignored_silently(tmp_path, name, text):
    assert load_file(Path(name), name, text, ScanConfig()) is None or name == "helm.yaml"
    report = scan_text(tmp_path, text, name) if name != "helm.yaml" else None
    if report is not None:
        assert report.errors == [] and report.notes == [] and report.resources == []


def test_recognised_without_format_version():
    found = raws("Resources:\n  B:\n    Type: AWS::S3::Bucket\n")
    assert found["B"].type == "aws_s3_bucket"
    assert found["B"].source_type == "AWS::S3::Bucket"
    assert found["B"].source_format == "cloudformation"


# ------------------------------------------------------------------ intrinsics
TEMPLATE = """
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Env: {Type: String, Default: dev}
  Public: {Type: String, Default: "false"}
  Port: {Type: Number, Default: "5432"}
  Cidrs: {Type: CommaDelimitedList, Default: "10.0.0.0/8, 0.0.0.0/0"}
  NoDefault: {Type: String}
Mappings:
  Acl:
    dev: {value: PublicRead}
    prod: {value: Private}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  IsDev: !Not [!Condition IsProd]
  MakePublic: !And [!Condition IsDev, !Equals [!Ref Public, "true"]]
  Unknowable: !Equals [!Ref "AWS::Region", us-east-1]
Resources:
  Bucket:
    Type: AWS::S3::Bucket
    Metadata:
      pdguard: {ignore: [PDG401]}
    Properties:
      BucketName: !Sub "${Env}-${AWS::AccountId}-records-${!Literal}"
      AccessControl: !FindInMap [Acl, !Ref Env, value]
      Tags:
        - Key: name
          Value: !Join ["-", [!Ref Env, !Select [1, !Ref Cidrs]]]
        - Key: gone
          Value: !If [IsProd, x, !Ref "AWS::NoValue"]
        - Key: imported
          Value: !ImportValue shared-vpc
  Policy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref Bucket
      PolicyDocument:
        Statement:
          - Effect: Allow
            Principal: "*"
            Action: s3:GetObject
            Resource: !Sub "${Bucket.Arn}/*"
  ProdOnly:
    Type: AWS::SQS::Queue
    Condition: IsProd
  MaybeCreated:
    Type: AWS::SQS::Queue
    Condition: Unknowable
  SG:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: db
      SecurityGroupIngress:
        - IpProtocol: -1
          CidrIp: !Select [1, !Ref Cidrs]
        - IpProtocol: tcp
          FromPort: !Ref Port
          ToPort: !Ref Port
          CidrIp: !Ref NoDefault
"""


def test_parameters_mappings_sub_join_select():
    found = raws(TEMPLATE)
    bucket = found["Bucket"]
    assert bucket.attributes["acl"] == "public-read"
    name = bucket.attributes["bucket"]
    assert is_unknown(name) and "AWS::AccountId" in name.reason
    tags = bucket.attributes["tags"]
    assert tags["name"] == "dev-0.0.0.0/0"
    assert is_unknown(tags["imported"]) and "ImportValue" in tags["imported"].reason
    assert bucket.attr_lines["acl"] == next(i for i, t in enumerate(TEMPLATE.splitlines(), 1)
                                            if "AccessControl" in t)
    assert bucket.attributes["__metadata__"] == {"pdguard": {"ignore": ["PDG401"]}}


def test_no_value_removes_the_key():
    found = raws(TEMPLATE)
    tags = found["Bucket"].attributes["tags"]
    assert tags.get("gone") is None


def test_getatt_and_ref_link_resources():
    found = raws(TEMPLATE)
    policy = found["Policy"]
    assert "Bucket" in policy.refs
    assert is_unknown(policy.attributes["bucket"]) and policy.attributes["bucket"].refs == {"Bucket"}
    statement = policy.attributes["policy"]["Statement"][0]
    assert statement["Principal"] == "*" and statement["Resource"].refs == {"Bucket"}


def test_resource_conditions():
    result = load_file(Path("t.yaml"), "t.yaml", TEMPLATE, ScanConfig())
    addresses = {r.address for r in result.resources}
    assert "ProdOnly" not in addresses
    assert "MaybeCreated" in addresses
    assert any("MaybeCreated" in n.message for n in result.notes)


def test_overrides_and_unknown_parameters(tmp_path):
    found = raws(TEMPLATE, cfn_params={"Env": "prod"})
    assert found["Bucket"].attributes["acl"] == "private"
    assert "ProdOnly" in found
    ingress = found["SG"].attributes["ingress"]
    assert ingress[0]["protocol"] == "-1" and ingress[0]["cidr_blocks"] == ["0.0.0.0/0"]
    assert ingress[1]["from_port"] == 5432
    assert is_unknown(ingress[1]["cidr_blocks"][0])
    params = tmp_path / "params.json"
    params.write_text(json.dumps([{"ParameterKey": "Env", "ParameterValue": "prod"}]))
    assert raws(TEMPLATE, cfn_param_files=[str(params)])["Bucket"].attributes["acl"] == "private"
    params.write_text(json.dumps({"Env": "prod"}))
    assert raws(TEMPLATE, cfn_param_files=[str(params)])["Bucket"].attributes["acl"] == "private"


def test_scan_findings_point_at_the_template(tmp_path):
    report = scan_text(tmp_path, TEMPLATE)
    assert not report.errors
    public = [f for f in report.findings if f.rule_id == "PDG101" and f.resource == "Bucket"]
    assert public and public[0].status == "fail"
    assert public[0].location.file == "template.yaml"
    assert public[0].resource_type == "AWS::S3::Bucket"
    open_sg = [f for f in report.findings if f.rule_id == "PDG103" and f.resource == "SG"]
    assert open_sg and open_sg[0].status == "fail"


def test_public_access_block_folds_into_bucket(tmp_path):
    report = scan_text(tmp_path, """
Resources:
  Blocked:
    Type: AWS::S3::Bucket
    Properties:
      AccessControl: PublicRead
      PublicAccessBlockConfiguration:
        BlockPublicAcls: true
        IgnorePublicAcls: true
        BlockPublicPolicy: true
        RestrictPublicBuckets: true
""")
    assert not [f for f in report.findings if f.rule_id == "PDG101"]
    assert {r.address for r in report.resources} == {"Blocked"}


def test_json_template(tmp_path):
    template = {"AWSTemplateFormatVersion": "2010-09-09", "Resources": {
        "DB": {"Type": "AWS::RDS::DBInstance", "Properties": {
            "Engine": "mysql", "DBInstanceClass": "db.t3.micro", "PubliclyAccessible": "true",
            "StorageEncrypted": {"Fn::If": ["Never", True, False]}}}},
        "Conditions": {"Never": {"Fn::Equals": ["a", "b"]}}}
    text = json.dumps(template, indent=2)
    report = scan_text(tmp_path, text, "stack.json")
    assert not report.errors
    rules = {(f.rule_id, f.status) for f in report.findings if f.resource == "DB"}
    assert ("PDG101", "fail") in rules and ("PDG301", "fail") in rules
    db = [f for f in report.findings if f.resource == "DB" and f.rule_id == "PDG301"][0]
    line = next(i for i, t in enumerate(text.splitlines(), 1) if '"StorageEncrypted"' in t)
    assert db.location.file == "stack.json" and db.location.line == line


def test_rds_public_default_is_unknown():
    found = raws("Resources:\n  DB:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      Engine: mysql\n")
    assert is_unknown(found["DB"].attributes["publicly_accessible"])


# ------------------------------------------------------------------ SAM
SAM = """
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Runtime: python3.12
Resources:
  SecureApi:
    Type: AWS::Serverless::Api
    Properties:
      StageName: prod
      Auth:
        DefaultAuthorizer: Cognito
        Authorizers:
          Cognito:
            UserPoolArn: arn:aws:cognito-idp:eu-west-1:111122223333:userpool/x
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      FunctionUrlConfig:
        AuthType: NONE
      Events:
        Open:
          Type: Api
          Properties:
            Path: /open
            Method: get
        Guarded:
          Type: Api
          Properties:
            RestApiId: !Ref SecureApi
            Path: /records
            Method: get
        Opted:
          Type: Api
          Properties:
            RestApiId: !Ref SecureApi
            Path: /public
            Method: get
            Auth:
              Authorizer: NONE
  Table:
    Type: AWS::Serverless::SimpleTable
"""


def test_sam_function_events_and_url(tmp_path):
    found = raws(SAM)
    assert found["Fn"].type == "aws_lambda_function" and found["Fn"].attributes["runtime"] == "python3.12"
    assert found["Fn.Open"].attributes["authorization"] == "NONE"
    assert found["Fn.Guarded"].attributes["authorization"] == "COGNITO_USER_POOLS"
    assert found["Fn.Opted"].attributes["authorization"] == "NONE"
    assert found["FnUrl"].attributes["authorization_type"] == "NONE"
    assert found["Table"].type == "aws_dynamodb_table"
    report = scan_text(tmp_path, SAM)
    failing = {f.resource for f in report.findings if f.rule_id == "PDG201" and f.status == "fail"}
    assert failing == {"Fn.Open", "Fn.Opted", "FnUrl"}


# ------------------------------------------------------------------ equivalence with HCL
def _name(address: str) -> str:
    return address.rsplit(".", 1)[-1].lower() if address.startswith("aws_") else address.lower()


def test_same_system_same_findings():
    hcl = scan([FIXTURES / "hcl"], ScanConfig())
    cfn = scan([FIXTURES / "cfn"], ScanConfig())
    assert not hcl.errors and not cfn.errors
    as_hcl = {(f.rule_id, f.category, f.status, _name(f.resource)) for f in hcl.findings}
    as_cfn = {(f.rule_id, f.category, f.status, _name(f.resource)) for f in cfn.findings}
    assert as_hcl == as_cfn
    assert {"PDG101", "PDG102", "PDG201", "PDG301"} <= {r for r, *_ in as_cfn}
