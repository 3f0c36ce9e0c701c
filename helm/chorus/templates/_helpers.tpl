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
{{- $image := .root.Values.image -}}
{{- $prefix := list $image.registry $image.repository | compact | join "/" -}}
{{ $prefix }}/{{ .name }}:{{ $image.tag | default .root.Chart.AppVersion }}{{ if eq $image.flavor "native" }}-native{{ end }}
{{- end }}

{{/* The PostgreSQL host: the given one, else the bundled one. Takes $. */}}
{{- define "chorus.databaseHost" -}}
{{- if .Values.database.host }}{{ .Values.database.host }}
{{- else if .Values.postgresql.enabled }}chorus-postgresql
{{- else }}{{ fail "database.host is required when postgresql.enabled=false: the host name of your PostgreSQL" }}
{{- end }}
{{- end }}

{{/* The Secret with the database password, or nothing when there is none. Takes $. */}}
{{- define "chorus.databaseSecretName" -}}
{{- if .Values.database.existingSecret }}{{ .Values.database.existingSecret }}
{{- else if or .Values.database.password .Values.postgresql.enabled }}chorus-database
{{- end }}
{{- end }}

{{/* The Secret with the token key pair: yours, or the chart's. Takes $. */}}
{{- define "chorus.jwtSecretName" -}}
{{- .Values.jwt.existingSecret | default "chorus-jwt" }}
{{- end }}

{{/*
True when the chart generates the bus keys: none given and no Secret of yours. Each pod then
derives the public keys it needs from secret keys (Helm cannot compute Curve25519). Takes $.
*/}}
{{- define "chorus.busKeysGenerated" -}}
{{- if and (not .Values.bus.existingSecret) (not (join "" (values .Values.bus.keys))) }}true{{ end }}
{{- end }}

{{/*
A value this release stored before in a Secret of its own, on upgrades only (an install has
nothing stored yet, and helm template would otherwise ask a cluster API it may not have), else
"". Takes (dict "root" $ "secret" NAME "key" KEY).
*/}}
{{- define "chorus.stored" -}}
{{- if .root.Release.IsUpgrade }}
{{- $secret := lookup "v1" "Secret" .root.Release.Namespace .secret }}
{{- dig "data" .key "" $secret | b64dec }}
{{- end }}
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
every service the internal credential and the database password; with given keys, the gateway
the proxy's secret key and the publishers' public keys, each publisher the proxy's public key and
its own pair, never another's secret. With generated keys there are no public keys to give: the
gateway derives the publishers' from their secret keys, and each publisher the proxy's.
*/}}
{{- define "chorus.secretEnvs" -}}
{{- $internal := include "chorus.internalSecretName" .root -}}
{{- $bus := include "chorus.busSecretName" .root -}}
{{- $generated := include "chorus.busKeysGenerated" .root -}}
{{ include "chorus.secretEnv" (dict "env" "CHORUS_INTERNAL_CREDENTIAL" "secret" $internal "key" "credential") }}
{{- with include "chorus.databaseSecretName" .root }}
- name: PGPASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ . }}
      key: {{ if $.root.Values.database.existingSecret }}{{ $.root.Values.database.existingSecretKey }}{{ else }}password{{ end }}
{{- end }}
{{- if eq .name "group-gateway" }}
{{ include "chorus.secretEnv" (dict "env" "CHORUS_CURVE_PROXY_SECRET_KEY" "secret" $bus "key" "server-secret") }}
{{- if $generated }}
# The proxy admits the publishers' keys, derived from their secret keys, each under its service:
# a key may publish only that service's topics.
{{ include "chorus.secretEnv" (dict "env" "CHORUS_CURVE_ALLOWED_SECRET_KEYS_HISTORY_SERVICE" "secret" $bus "key" "history-secret") }}
{{ include "chorus.secretEnv" (dict "env" "CHORUS_CURVE_ALLOWED_SECRET_KEYS_DM_SERVICE" "secret" $bus "key" "dm-secret") }}
{{- else }}
# The proxy admits exactly these publishers' keys, each under its service: a key may publish
# only that service's topics.
{{ include "chorus.secretEnv" (dict "env" "CHORUS_CURVE_ALLOWED_KEYS_HISTORY_SERVICE" "secret" $bus "key" "history-public") }}
{{ include "chorus.secretEnv" (dict "env" "CHORUS_CURVE_ALLOWED_KEYS_DM_SERVICE" "secret" $bus "key" "dm-public") }}
{{- end }}
{{- else if include "chorus.publishes" . }}
{{- $own := trimSuffix "-service" .name }}
{{- if $generated }}
{{ include "chorus.secretEnv" (dict "env" "CHORUS_CURVE_SERVER_SECRET_KEY" "secret" $bus "key" "server-secret") }}
{{- else }}
{{ include "chorus.secretEnv" (dict "env" "CHORUS_CURVE_SERVER_KEY" "secret" $bus "key" "server-public") }}
{{ include "chorus.secretEnv" (dict "env" "CHORUS_CURVE_PUBLIC_KEY" "secret" $bus "key" (printf "%s-public" $own)) }}
{{- end }}
{{ include "chorus.secretEnv" (dict "env" "CHORUS_CURVE_SECRET_KEY" "secret" $bus "key" (printf "%s-secret" $own)) }}
{{- end }}
{{- end }}

{{/*
What the pods read from Secrets, for checksum/secrets: a key or Secret name given in values and
changed on upgrade rolls the pods, which read their environment and keys only at start.
Generated secrets are not in it: they stay the same across upgrades.
*/}}
{{- define "chorus.secretInputs" -}}
{{ toJson (dict "internal" .Values.internalCredential "bus" .Values.bus "jwt" .Values.jwt "database" .Values.database) }}
{{- end }}

{{/*
The gateways' XSUB endpoint: one name, the headless Service, whose DNS records are every gateway
pod. Publishers look it up again and again (bus.resolveInterval) and connect to each address,
so replicas added or removed (by hand or an autoscaler) are found without restarting anyone, and
this value, hence every pod's checksum, does not depend on replicaCount. Takes $.
*/}}
{{- define "chorus.busEndpoints" -}}
{{- $gateway := index .Values.services "group-gateway" -}}
{{- printf "tcp://group-gateway-headless.%s.svc.%s:%d" .Release.Namespace .Values.clusterDomain (int $gateway.busXsubPort) -}}
{{- end }}

{{/*
The public routes, for the Ingress and the HTTPRoute: [path, match, service]. Only /api/* and the
web page's files, so /q/* (health, metrics, OpenAPI) and /internal/* stay inside the cluster. The
API by prefix; the page as exactly the files group-gateway serves from META-INF/resources.
history-service is internal and has no route.
*/}}
{{- define "chorus.routes" -}}
- [/api/users, Prefix, user-service]
- [/api/auth, Prefix, user-service]
- [/api/me, Prefix, user-service]
- [/api/dms, Prefix, dm-service]
- [/api/groups, Prefix, group-gateway]
- [/api/events, Prefix, group-gateway]
- [/api/web-config, Prefix, group-gateway]
- [/, Exact, group-gateway]
- [/index.html, Exact, group-gateway]
- [/app.js, Exact, group-gateway]
- [/app.css, Exact, group-gateway]
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
PGHOST: {{ include "chorus.databaseHost" $root | quote }}
PGPORT: {{ $root.Values.database.port | quote }}
PGUSER: {{ $root.Values.database.user | quote }}
CHORUS_DATABASE: {{ $svc.database | quote }}
CHORUS_JWT_PUBLIC_KEY_LOCATION: /etc/chorus/jwt/public.pem
CHORUS_JWT_ISSUER: {{ $root.Values.jwt.issuer | quote }}
{{- if eq .name "user-service" }}
CHORUS_JWT_PRIVATE_KEY_LOCATION: /etc/chorus/jwt/private.pem
{{- /* Login throttling keys on the client address; behind the Ingress that is X-Forwarded-For,
       trusted because the NetworkPolicy admits only the controller (and dm-service and the
       gateways, which call internal paths and forward no such header) here. */}}
QUARKUS_HTTP_PROXY_PROXY_ADDRESS_FORWARDING: "true"
QUARKUS_HTTP_PROXY_ALLOW_X_FORWARDED: "true"
{{- end }}
{{- if include "chorus.publishes" . }}
CHORUS_BUS_ENDPOINTS: {{ include "chorus.busEndpoints" $root | quote }}
CHORUS_BUS_RESOLVE_INTERVAL: {{ $root.Values.bus.resolveInterval | quote }}
{{- end }}
{{- if or (include "chorus.publishes" .) (eq .name "group-gateway") }}
CHORUS_BUS_HEARTBEAT_INTERVAL: {{ $root.Values.bus.heartbeatInterval | quote }}
{{- end }}
{{- if or (eq .name "dm-service") (eq .name "group-gateway") }}
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

{{/* The selector labels of a service's pods (PodDisruptionBudget, topology spread). */}}
{{- define "chorus.selector" -}}
app: {{ .name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- end }}

{{/* The security context of every container: no root, no privileges, nothing written but volumes. */}}
{{- define "chorus.containerSecurity" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities:
  drop: [ALL]
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
  # The services never call the Kubernetes API.
  automountServiceAccountToken: false
  # preStop pauses first, so that Services and the Ingress stop routing here; then on SIGTERM the
  # gateway's readiness goes down and its streams end a few at a time, each after a retry: (their
  # clients resume elsewhere from their cursor), and Quarkus stops once work in flight finishes.
  terminationGracePeriodSeconds: {{ $root.Values.terminationGracePeriodSeconds }}
  securityContext:
    runAsNonRoot: true
    # The key files are group-readable only; this group is added to the container's user.
    fsGroup: 185
    seccompProfile:
      type: RuntimeDefault
  {{- with $root.Values.topologySpreadConstraints }}
  topologySpreadConstraints:
    {{- range . }}
    - {{- toYaml . | nindent 6 }}
      labelSelector:
        matchLabels:
          {{- include "chorus.selector" $ | nindent 10 }}
    {{- end }}
  {{- end }}
  initContainers:
    # Waits for PostgreSQL and creates this service's database when it is missing, so a pod
    # whose database cannot be reached says so in this step's log instead of crash-looping.
    - name: create-database
      image: {{ $root.Values.database.init.image }}
      imagePullPolicy: IfNotPresent
      command: [sh, /etc/chorus/init/create-database.sh]
      env:
        - name: PGHOST
          value: {{ include "chorus.databaseHost" $root | quote }}
        - name: PGPORT
          value: {{ $root.Values.database.port | quote }}
        - name: PGUSER
          value: {{ $root.Values.database.user | quote }}
        - name: CHORUS_DATABASE
          value: {{ $svc.database | quote }}
        - name: CHORUS_DATABASE_TIMEOUT
          value: {{ $root.Values.database.init.timeoutSeconds | quote }}
        {{- with include "chorus.databaseSecretName" $root }}
        - name: PGPASSWORD
          valueFrom:
            secretKeyRef:
              name: {{ . }}
              key: {{ if $root.Values.database.existingSecret }}{{ $root.Values.database.existingSecretKey }}{{ else }}password{{ end }}
        {{- end }}
      volumeMounts:
        - name: database-init
          mountPath: /etc/chorus/init
          readOnly: true
      resources:
        requests:
          cpu: 10m
          memory: 32Mi
        limits:
          memory: 64Mi
      securityContext:
        # The postgres image's own user.
        runAsUser: 70
        runAsGroup: 70
        {{- include "chorus.containerSecurity" . | nindent 8 }}
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
        # Anything more you want this service to read from a Secret; optional.
        - secretRef:
            name: {{ .name }}-secrets
            optional: true
      env:
        {{- include "chorus.secretEnvs" . | nindent 8 }}
      volumeMounts:
        - name: jwt
          mountPath: /etc/chorus/jwt
          readOnly: true
        # The root filesystem is read-only; the JVM and Vert.x write their scratch files here.
        - name: tmp
          mountPath: /tmp
      lifecycle:
        preStop:
          exec:
            command: [sleep, {{ $root.Values.preStopSeconds | quote }}]
      startupProbe:
        httpGet:
          path: /q/health/started
          port: http
        periodSeconds: 2
        failureThreshold: 60
      # Liveness never looks at the database: restarting a pod does not bring PostgreSQL back.
      livenessProbe:
        httpGet:
          path: /q/health/live
          port: http
        periodSeconds: 10
        failureThreshold: 3
      # Readiness includes the database; six misses in a row (30 s) before a pod leaves its
      # Service, so a short database blip does not take every pod out at once.
      readinessProbe:
        httpGet:
          path: /q/health/ready
          port: http
        periodSeconds: 5
        failureThreshold: 6
      {{- with $svc.resources }}
      resources:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      securityContext:
        {{- include "chorus.containerSecurity" . | nindent 8 }}
  volumes:
    - name: jwt
      secret:
        secretName: {{ include "chorus.jwtSecretName" $root }}
        defaultMode: 0440
        items:
          {{- if eq .name "user-service" }}
          # Only user-service signs tokens, so only it gets the private key.
          - key: private.pem
            path: private.pem
          {{- end }}
          - key: public.pem
            path: public.pem
    - name: database-init
      configMap:
        name: chorus-database-init
    - name: tmp
      emptyDir:
        sizeLimit: 64Mi
  {{- with $root.Values.nodeSelector }}
  nodeSelector:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $root.Values.tolerations }}
  tolerations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end }}
