package hubconstructs

import (
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssecretsmanager"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// ConnectionSecretsProps configure the connection secrets.
type ConnectionSecretsProps struct {
	// Prefix starts every secret's name, e.g. "urakata/"; the functions read it from
	// URAKATA_SECRET_PREFIX.
	Prefix string
	// Names are the secret names hub.yaml's connections give.
	Names []string
	// Key encrypts the secrets.
	Key awskms.IKey
}

// ConnectionSecrets are the Secrets Manager secrets of the connections, one per name,
// called Prefix+name. The template never holds a credential: CloudFormation creates each
// secret with a random placeholder, and IT staff put the real value in after deploying.
type ConnectionSecrets struct {
	constructs.Construct
	byName map[string]awssecretsmanager.Secret
}

// NewConnectionSecrets declares one secret per name.
func NewConnectionSecrets(scope constructs.Construct, id string, props *ConnectionSecretsProps) *ConnectionSecrets {
	this := constructs.NewConstruct(scope, &id)
	s := &ConnectionSecrets{Construct: this, byName: map[string]awssecretsmanager.Secret{}}
	for _, name := range props.Names {
		s.byName[name] = awssecretsmanager.NewSecret(this, jsii.String(name), &awssecretsmanager.SecretProps{
			SecretName: jsii.String(props.Prefix + name),
			Description: jsii.String("urakata: credentials of the connections whose secret is " + name +
				" in hub.yaml. Created with a random placeholder; set the real value with aws secretsmanager put-secret-value."),
			EncryptionKey: props.Key,
			GenerateSecretString: &awssecretsmanager.SecretStringGenerator{
				ExcludePunctuation: jsii.Bool(true),
				PasswordLength:     jsii.Number(32),
			},
		})
	}
	return s
}

// GrantRead lets grantee read the named secrets, and only those.
func (s *ConnectionSecrets) GrantRead(grantee awsiam.IGrantable, names []string) {
	for _, name := range names {
		if secret, ok := s.byName[name]; ok {
			secret.GrantRead(grantee, nil)
		}
	}
}
