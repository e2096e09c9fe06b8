/* The map of claims (/map/): one marker per place with claims matching the filters, coloured by the
   share of them that are contested (none / some / most), grouped by Leaflet.markercluster when
   close; a popup names the place and its counts and links to the claim list with the same filters
   and the place. Over the offline basemap (basemap.js). */
(function () {
  "use strict";
  var holder = document.getElementById("map");
  var dataNode = document.getElementById("map-data");
  var statusNode = document.getElementById("map-status");
  if (!holder || !dataNode) return;

  function say(text) {
    if (!statusNode) return;
    statusNode.textContent = text;
    statusNode.hidden = false;
  }

  if (typeof L === "undefined" || typeof L.markerClusterGroup !== "function") {
    say("The map library could not load; every place is in the table below.");
    holder.classList.add("map-failed");
    return;
  }

  var data = JSON.parse(dataNode.textContent);
  var map = L.map(holder, { scrollWheelZoom: false, keyboard: true, worldCopyJump: true, minZoom: 1, maxZoom: 14 });
  holder.setAttribute("tabindex", "0");
  if (window.FogwatchBasemap) FogwatchBasemap.setUp(map, data, say);

  function shareOf(claims, contested) {
    if (!contested) return "none";
    return 2 * contested >= claims ? "most" : "some";
  }

  function plural(n, word) {
    return n + " " + word + (n === 1 ? "" : "s");
  }

  function bubble(text, share, size, extra) {
    var node = document.createElement("span");
    node.textContent = text;
    return L.divIcon({
      className: "fw-place fw-place-" + share + (extra ? " " + extra : ""),
      html: node,
      iconSize: [size, size]
    });
  }

  // Built from text nodes: names are never parsed as HTML.
  function popupFor(place) {
    var box = document.createElement("div");
    box.className = "fw-popup";
    var title = document.createElement("a");
    title.href = place.url;
    title.className = "fw-popup-place";
    title.textContent = place.name;
    box.appendChild(title);
    box.appendChild(document.createTextNode(" (" + place.kind + ")"));
    var counts = document.createElement("p");
    counts.textContent = plural(place.claims, "claim") + ", " + place.contested + " contested";
    box.appendChild(counts);
    var link = document.createElement("a");
    link.href = place.list_url;
    link.className = "fw-popup-list";
    link.textContent =
      place.claims_with_places_below > place.claims
        ? "List them, with the " + (place.claims_with_places_below - place.claims) + " of the places below"
        : "List these claims";
    box.appendChild(link);
    return box;
  }

  var group = L.markerClusterGroup({
    maxClusterRadius: 40,
    showCoverageOnHover: false,
    spiderfyOnMaxZoom: true,
    iconCreateFunction: function (cluster) {
      var claims = 0;
      var contested = 0;
      cluster.getAllChildMarkers().forEach(function (marker) {
        claims += marker.options.place.claims;
        contested += marker.options.place.contested;
      });
      var size = 30 + Math.min(16, Math.round(Math.log(claims + 1) * 2.5));
      return bubble(String(claims), shareOf(claims, contested), size, "fw-cluster");
    }
  });

  var bounds = [];
  data.places.forEach(function (place) {
    var size = 24 + Math.min(14, Math.round(Math.log(place.claims + 1) * 2.5));
    var marker = L.marker([place.lat, place.lon], {
      icon: bubble(String(place.claims), place.share, size, ""),
      title: place.name + ": " + plural(place.claims, "claim") + ", " + place.contested + " contested",
      alt: place.name,
      keyboard: true,
      place: place
    });
    marker.bindPopup(popupFor(place));
    marker.on("add", function () {
      var node = marker.getElement();
      if (node) node.setAttribute("data-place", place.slug);
    });
    group.addLayer(marker);
    bounds.push([place.lat, place.lon]);
  });
  map.addLayer(group);

  if (bounds.length === 1) {
    map.setView(bounds[0], 8);
  } else {
    map.fitBounds(bounds, { padding: [40, 40], maxZoom: 8 });
  }
  holder.dataset.markers = String(bounds.length);
  holder.dataset.zoom = String(map.getZoom());
  map.on("zoomend", function () {
    holder.dataset.zoom = String(map.getZoom());
  });
})();
