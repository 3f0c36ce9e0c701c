{{/*
Every object carries its service's one name: module, image, app label, <name>-config,
<name>-secrets. Helpers take (dict "root" $ "name" "<service>") unless said otherwise.
*/}}

{{/* Labels on every object of a service; "app" is also its selector. */}}
{{- define "chorus.labels" -}}
app: {{ .name }}
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/part-of: chorus
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version | replace "+" "_" }}
{{- end }}

{{/* Labels of objects shared by all services (the bus list, the key pair, the Ingress); takes $. */}}
{{- define "chorus.sharedLabels" -}}
app.kubernetes.io/part-of: chorus
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end }}

{{- define "chorus.image" -}}
{{ .root.Values.image.repository }}/{{ .name }}:{{ .root.Values.image.tag | default .root.Chart.AppVersion }}
{{- end }}

{{/*
Services that publish on the bus, and so need CHORUS_BUS_ENDPOINTS and a CURVE key pair of their
own. The gateway only runs the proxy and subscribes to it in-process.
*/}}
{{- define "chorus.publishes" -}}
{{- if has .name (list "dm-service" "history-service") }}true{{ end }}
{{- end }}

{{/* The Secret with the internal credential (key "credential"): yours, or the chart's. Takes $. */}}
{{- define "chorus.internalSecretName" -}}
{{- .Values.internalCredential.existingSecret | default "chorus-internal" }}
{{- end }}

{{/* The Secret with the bus's CURVE keys: yours, or the chart's. Takes $. */}}
{{- define "chorus.busSecretName" -}}
{{- .Values.bus.existingSecret | default "chorus-bus-keys" }}
{{- end }}

{{/* One env entry from a key of a Secret; takes (dict "env" NAME "secret" SECRET "key" KEY). */}}
{{- define "chorus.secretEnv" -}}
- name: {{ .env }}
  valueFrom:
    secretKeyRef:
      name: {{ .secret }}
      key: {{ .key }}
{{- end }}

{{/*
The environment a service takes from the deployment's Secrets, each key only where it is needed:
every service the internal credential; the gateway the proxy's secret key and the publishers'
public keys; each publisher the proxy's public key and its own pair, never another's secret.
*/}}
{{- define "chorus.secretEnvs" -}}
{{- $internal := include "chorus.internalSecretName" .root -}}
{{- $bus := include "chorus.busSecretName" .root -}}
{{ include "chorus.secretEnv" (dict "env" "CHORUS_INTERNAL_CREDENTIAL" "secret" $internal "key" "credential") }}
{{- if eq .name "group-gateway" }}
{{ include "chorus.secretEnv" (dict "env" "CHORUS_CURVE_PROXY_SECRET_KEY" "secret" $bus "key" "server-secret") }}
# The proxy admits exactly these publishers' keys; Kubernetes expands $(...) from the
# variables defined above it.
{{ include "chorus.secretEnv" (dict "env" "BUS_HISTORY_PUBLIC_KEY" "secret" $bus "key" "history-public") }}
{{ include "chorus.secretEnv" (dict "env" "BUS_DM_PUBLIC_KEY" "secret" $bus "key" "dm-public") }}
- name: CHORUS_CURVE_ALLOWED_KEYS
  value: $(BUS_HISTORY_PUBLIC_KEY),$(BUS_DM_PUBLIC_KEY)
{{- else if include "chorus.publishes" . }}
{{- $own := trimSuffix "-service" .name }}
{{ include "chorus.secretEnv" (dict "env" "CHORUS_CURVE_SERVER_KEY" "secret" $bus "key" "server-public") }}
{{ include "chorus.secretEnv" (dict "env" "CHORUS_CURVE_PUBLIC_KEY" "secret" $bus "key" (printf "%s-public" $own)) }}
{{ include "chorus.secretEnv" (dict "env" "CHORUS_CURVE_SECRET_KEY" "secret" $bus "key" (printf "%s-secret" $own)) }}
{{- end }}
{{- end }}

{{/*
What the pods read from the chart-made Secrets, for checksum/secrets: a key given in values and
changed on upgrade rolls the pods, which read their environment only at start. A generated
credential is not in it: it stays the same across upgrades.
*/}}
{{- define "chorus.secretInputs" -}}
{{ toJson (dict "internal" .Values.internalCredential "bus" .Values.bus) }}
{{- end }}

{{/*
The XSUB endpoint of every gateway replica, comma-separated: one per StatefulSet pod
(group-gateway-<n> under the headless Service), so it follows replicaCount. Takes $.
*/}}
{{- define "chorus.busEndpoints" -}}
{{- $gateway := index .Values.services "group-gateway" -}}
{{- $endpoints := list -}}
{{- range $i := until (int $gateway.replicaCount) -}}
{{- $endpoints = append $endpoints (printf "tcp://group-gateway-%d.group-gateway-headless.%s.svc.%s:%d" $i $.Release.Namespace $.Values.clusterDomain (int $gateway.busXsubPort)) -}}
{{- end -}}
{{- join "," $endpoints -}}
{{- end }}

{{/* Base URL of another service, for the REST clients. */}}
{{- define "chorus.url" -}}
http://{{ .name }}:{{ (index .root.Values.services .name).port }}
{{- end }}

{{/* The data of <name>-config: everything a service reads from its environment (docs/operations.md). */}}
{{- define "chorus.configData" -}}
{{- $root := .root -}}
{{- $svc := index $root.Values.services .name -}}
QUARKUS_HTTP_PORT: {{ $svc.port | quote }}
PGHOST: {{ $root.Values.database.host | quote }}
PGPORT: {{ $root.Values.database.port | quote }}
PGUSER: {{ $root.Values.database.user | quote }}
CHORUS_DATABASE: {{ $svc.database | quote }}
CHORUS_JWT_PUBLIC_KEY_LOCATION: /etc/chorus/jwt/public.pem
CHORUS_JWT_ISSUER: {{ $root.Values.jwt.issuer | quote }}
{{- if eq .name "user-service" }}
CHORUS_JWT_PRIVATE_KEY_LOCATION: /etc/chorus/jwt/private.pem
{{- /* Login throttling keys on the client address; behind the Ingress that is X-Forwarded-For,
       trusted because the NetworkPolicy admits only the controller (and dm-service) here. */}}
QUARKUS_HTTP_PROXY_PROXY_ADDRESS_FORWARDING: "true"
QUARKUS_HTTP_PROXY_ALLOW_X_FORWARDED: "true"
{{- end }}
{{- if include "chorus.publishes" . }}
CHORUS_BUS_ENDPOINTS: {{ include "chorus.busEndpoints" $root | quote }}
{{- end }}
{{- if eq .name "dm-service" }}
QUARKUS_REST_CLIENT_USERS_URL: {{ include "chorus.url" (dict "root" $root "name" "user-service") | quote }}
{{- end }}
{{- if eq .name "group-gateway" }}
QUARKUS_REST_CLIENT_HISTORY_URL: {{ include "chorus.url" (dict "root" $root "name" "history-service") | quote }}
QUARKUS_REST_CLIENT_DMS_URL: {{ include "chorus.url" (dict "root" $root "name" "dm-service") | quote }}
GATEWAY_BUS_BIND_ADDRESS: "*"
GATEWAY_BUS_XSUB_PORT: {{ $svc.busXsubPort | quote }}
GATEWAY_STREAM_HEARTBEAT: {{ $svc.streamHeartbeat | quote }}
{{- end }}
{{- range $key, $value := $svc.env }}
{{ $key }}: {{ $value | toString | quote }}
{{- end }}
{{- end }}

{{/* The pod template of a service: the same for the Deployments and the gateway's StatefulSet. */}}
{{- define "chorus.podTemplate" -}}
{{- $root := .root -}}
{{- $svc := index $root.Values.services .name -}}
metadata:
  labels:
    {{- include "chorus.labels" . | nindent 4 }}
  annotations:
    # Rolls the pods when their configuration changes (ConfigMaps are not watched).
    checksum/config: {{ include "chorus.configData" . | sha256sum }}
    checksum/secrets: {{ include "chorus.secretInputs" $root | sha256sum }}
spec:
  {{- with $root.Values.imagePullSecrets }}
  imagePullSecrets:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  # Quarkus stops on SIGTERM: readiness goes down, work in flight finishes, streams are cut and
  # their clients resume elsewhere from their cursor.
  terminationGracePeriodSeconds: {{ $root.Values.terminationGracePeriodSeconds }}
  securityContext:
    runAsNonRoot: true
    # The key files are group-readable only; this group is added to the container's user.
    fsGroup: 185
    seccompProfile:
      type: RuntimeDefault
  containers:
    - name: {{ .name }}
      image: {{ include "chorus.image" . }}
      imagePullPolicy: {{ $root.Values.image.pullPolicy }}
      ports:
        - name: http
          containerPort: {{ $svc.port }}
        {{- if eq .name "group-gateway" }}
        - name: bus-xsub
          containerPort: {{ $svc.busXsubPort }}
        {{- end }}
      envFrom:
        - configMapRef:
            name: {{ .name }}-config
        # PGPASSWORD; optional, so a database without a password needs no Secret.
        - secretRef:
            name: {{ .name }}-secrets
            optional: true
      env:
        {{- include "chorus.secretEnvs" . | nindent 8 }}
      volumeMounts:
        - name: jwt
          mountPath: /etc/chorus/jwt
          readOnly: true
      startupProbe:
        httpGet:
          path: /q/health/started
          port: http
        periodSeconds: 2
        failureThreshold: 60
      livenessProbe:
        httpGet:
          path: /q/health/live
          port: http
        periodSeconds: 10
        failureThreshold: 3
      readinessProbe:
        httpGet:
          path: /q/health/ready
          port: http
        periodSeconds: 5
        failureThreshold: 2
      {{- with $svc.resources }}
      resources:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      securityContext:
        allowPrivilegeEscalation: false
        capabilities:
          drop: [ALL]
  volumes:
    - name: jwt
      secret:
        secretName: {{ $root.Values.jwt.secretName }}
        defaultMode: 0440
        items:
          {{- if eq .name "user-service" }}
          # Only user-service signs tokens, so only it gets the private key.
          - key: private.pem
            path: private.pem
          {{- end }}
          - key: public.pem
            path: public.pem
  {{- with $root.Values.nodeSelector }}
  nodeSelector:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $root.Values.tolerations }}
  tolerations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end }}
