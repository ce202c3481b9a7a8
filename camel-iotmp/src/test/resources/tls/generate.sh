#!/usr/bin/env bash
# Regenerates the test-only TLS material: a server key for localhost, a device (client) key, and one truststore
# holding both certificates. Password "changeit" everywhere; valid for 100 years. Never use these outside tests.
set -euo pipefail
cd "$(dirname "$0")"
rm -f server.p12 device.p12 trust.p12 server.cer device.cer
keytool -genkeypair -alias server -keyalg EC -groupname secp256r1 -dname CN=localhost \
  -ext SAN=dns:localhost,ip:127.0.0.1 -validity 36500 -storetype PKCS12 -keystore server.p12 -storepass changeit
keytool -genkeypair -alias device -keyalg EC -groupname secp256r1 -dname CN=demo-device-1 \
  -validity 36500 -storetype PKCS12 -keystore device.p12 -storepass changeit
keytool -exportcert -alias server -keystore server.p12 -storepass changeit -file server.cer
keytool -exportcert -alias device -keystore device.p12 -storepass changeit -file device.cer
keytool -importcert -noprompt -alias server -file server.cer -storetype PKCS12 -keystore trust.p12 -storepass changeit
keytool -importcert -noprompt -alias device -file device.cer -storetype PKCS12 -keystore trust.p12 -storepass changeit
rm -f server.cer device.cer
