/* The maps' background, for every Leaflet map of Fogwatch (the place page, the map of claims).

   Offline first: Natural Earth's countries (land, borders, country names) and first-level divisions
   (provinces, oblasts, states: drawn from zoom 4, named from zoom 6), built at install time into
   static files served by Fogwatch itself (tools/basemap.mjs), so nothing is asked of any other host.
   When FOGWATCH_TILE_URL names a tile server, its tiles are laid on top; the basemap is drawn as
   soon as a tile fails to load.

   FogwatchBasemap.setUp(map, {tiles, attribution, basemap: {countries, admin1}}, say) */
(function () {
  "use strict";

  var ADMIN1_FROM_ZOOM = 4;
  var ADMIN1_NAMES_FROM_ZOOM = 6;
  var MAX_LABELS = 120;
  var requests = {};

  function fetchJson(url) {
    if (!requests[url]) {
      requests[url] = fetch(url, { credentials: "same-origin" }).then(function (response) {
        if (!response.ok) throw new Error(url + ": " + response.status);
        return response.json();
      });
    }
    return requests[url];
  }

  function pane(map, name, zIndex) {
    var node = map.getPane(name) || map.createPane(name);
    node.style.zIndex = String(zIndex);
    node.style.pointerEvents = "none";
    return node;
  }

  // Names stay text: a label is built from a text node, never parsed as HTML.
  function labelIcon(text, className) {
    var node = document.createElement("span");
    node.textContent = text;
    return L.divIcon({ className: "fw-basemap-label " + className, html: node, iconSize: null });
  }

  function draw(map, urls, say) {
    var holder = map.getContainer();
    pane(map, "fw-basemap", 150); // under tiles (200), markers and popups
    pane(map, "fw-basemap-labels", 390); // over the land, under markers (600)
    var renderer = L.svg({ pane: "fw-basemap", padding: 0.5 });
    var labels = L.layerGroup([], { pane: "fw-basemap-labels" }).addTo(map);
    var countryLabels = [];
    var admin1Labels = [];
    var admin1 = null;
    holder.classList.add("basemap-on");
    holder.dataset.basemap = "loading";
    map.attributionControl.addAttribution("Basemap: Natural Earth");

    function placeLabels() {
      labels.clearLayers();
      var zoom = map.getZoom();
      var size = map.getSize();
      var taken = [];
      var placed = 0;
      var wanted = countryLabels.filter(function (c) {
        return zoom >= 3 || c.rank < 12 * (zoom + 1);
      });
      if (zoom >= ADMIN1_NAMES_FROM_ZOOM) wanted = wanted.concat(admin1Labels);
      for (var i = 0; i < wanted.length && placed < MAX_LABELS; i++) {
        var label = wanted[i];
        var point = map.latLngToContainerPoint(label.latlng);
        var half = (label.name.length * (label.country ? 7 : 6)) / 2 + 4;
        var box = [point.x - half, point.y - 9, point.x + half, point.y + 9];
        if (box[0] < 0 || box[1] < 0 || box[2] > size.x || box[3] > size.y) continue; // whole names only
        var clash = taken.some(function (b) {
          return box[0] < b[2] && b[0] < box[2] && box[1] < b[3] && b[1] < box[3];
        });
        if (clash) continue;
        taken.push(box);
        placed += 1;
        L.marker(label.latlng, {
          icon: labelIcon(label.name, label.country ? "fw-country-label" : "fw-admin1-label"),
          pane: "fw-basemap-labels",
          interactive: false,
          keyboard: false
        }).addTo(labels);
      }
    }

    function showAdmin1() {
      if (!admin1) return;
      if (map.getZoom() >= ADMIN1_FROM_ZOOM) {
        if (!map.hasLayer(admin1)) admin1.addTo(map);
      } else if (map.hasLayer(admin1)) {
        map.removeLayer(admin1);
      }
    }

    function named(layer, properties) {
      layer.eachLayer(function (shape) {
        var node = shape.getElement && shape.getElement();
        if (!node) return;
        node.setAttribute("data-name", shape.feature.properties.name || "");
        if (properties.country) node.setAttribute("data-country", shape.feature.properties.country || "");
      });
    }

    map.on("zoomend moveend", function () {
      showAdmin1();
      placeLabels();
    });

    fetchJson(urls.countries)
      .then(function (topo) {
        var land = topojson.feature(topo, topo.objects.countries);
        var countries = L.geoJSON(land, {
          renderer: renderer,
          interactive: false,
          style: {
            className: "fw-country",
            color: "#7d8a99",
            weight: 1,
            fillColor: "#f3f0e8",
            fillOpacity: 1
          }
        }).addTo(map);
        named(countries, {});
        countryLabels = land.features
          .filter(function (f) {
            return f.properties.name && f.properties.lx !== undefined;
          })
          .map(function (f) {
            return { name: f.properties.name, latlng: [f.properties.ly, f.properties.lx], rank: f.properties.r, country: true };
          })
          .sort(function (a, b) {
            return a.rank - b.rank;
          });
        holder.dataset.basemap = "countries";
        placeLabels();
        return fetchJson(urls.admin1);
      })
      .then(function (topo) {
        var divisions = topojson.feature(topo, topo.objects.admin1);
        admin1 = L.geoJSON(divisions, {
          renderer: renderer,
          interactive: false,
          style: { className: "fw-admin1", color: "#9aa5b1", weight: 0.7, dashArray: "3 3", fill: false }
        });
        admin1.on("add", function () {
          named(admin1, { country: true });
        });
        admin1Labels = divisions.features
          .filter(function (f) {
            return f.properties.name;
          })
          .map(function (f) {
            var p = f.properties;
            return { name: p.name, latlng: [p.ly, p.lx], rank: p.rank, country: false };
          })
          .sort(function (a, b) {
            return a.rank - b.rank || (a.name < b.name ? -1 : 1);
          });
        showAdmin1();
        placeLabels();
        holder.dataset.basemap = "ready";
      })
      .catch(function (error) {
        if (window.console) console.error("Basemap:", error);
        holder.dataset.basemap = "failed";
        holder.classList.add("basemap-failed");
        say("The basemap could not load; the markers are shown on a blank background.");
      });
  }

  function setUp(map, data, say) {
    var drawn = false;
    function basemap() {
      if (drawn || !data.basemap) return;
      drawn = true;
      draw(map, data.basemap, say);
    }
    if (!data.tiles) {
      basemap();
      return;
    }
    var failed = 0;
    var tiles = L.tileLayer(data.tiles, { maxZoom: 18, attribution: data.attribution || "" });
    tiles.on("tileerror", function () {
      failed += 1;
      if (failed === 1) {
        map.getContainer().classList.add("tiles-failed");
        say("Map tiles could not load; the built-in basemap is shown instead.");
        basemap();
      }
    });
    tiles.addTo(map);
  }

  window.FogwatchBasemap = { setUp: setUp };
})();
