# The documentation site in a container: npm installs Mermaid (package-lock.json), a build
# stage with Python makes the site and its nginx configuration with rkb; the serving stage
# is nginx with both.
#   docker build -t retributor-docs . && docker run -p 8080:80 retributor-docs
FROM node:22-bookworm-slim AS vendor
WORKDIR /vendor
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund

FROM python:3.11-slim-bookworm AS build
WORKDIR /src
COPY --from=vendor /vendor/node_modules ./node_modules
COPY pyproject.toml README.md ./
COPY src ./src
RUN pip install --no-cache-dir .
COPY mkdocs.yml ./
COPY overrides ./overrides
COPY docs ./docs
COPY kb ./kb
RUN rkb build -d /site \
 && rkb nginx --site /site --root /usr/share/nginx/html --listen 80 -o /site.conf

FROM nginx:1.26-bookworm
RUN rm -rf /usr/share/nginx/html/* /etc/nginx/conf.d/default.conf
COPY --from=build /site /usr/share/nginx/html
COPY --from=build /site.conf /etc/nginx/conf.d/retributor-docs.conf
EXPOSE 80
