/* The place map: Leaflet with one marker per place (the page's place highlighted), over the
   offline basemap (basemap.js). Markers are vector shapes: they show whatever the background. */
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

  if (typeof L === "undefined") {
    say("The map library could not load; the places are listed beside the map.");
    holder.classList.add("map-failed");
    return;
  }

  var data = JSON.parse(dataNode.textContent);
  var map = L.map(holder, { scrollWheelZoom: false, keyboard: true, minZoom: 1, maxZoom: 16 });
  holder.setAttribute("tabindex", "0");

  // The offline basemap, or a tile server's tiles with the basemap when they fail (basemap.js).
  if (window.FogwatchBasemap) {
    FogwatchBasemap.setUp(map, data, say);
  }

  var bounds = [];
  data.markers.forEach(function (m) {
    var marker = L.circleMarker([m.lat, m.lon], {
      radius: m.current ? 9 : 6,
      weight: 2,
      color: m.current ? "#7a1010" : "#1d4e89",
      fillColor: m.current ? "#c62828" : "#4a7fc1",
      fillOpacity: 0.85,
      className: "fw-marker" + (m.current ? " fw-marker-current" : "")
    });
    // Built from text nodes: names are never parsed as HTML.
    var popup = document.createElement("div");
    var link = document.createElement("a");
    link.href = m.url;
    link.textContent = m.name;
    popup.appendChild(link);
    popup.appendChild(document.createTextNode(" (" + m.kind + ")"));
    marker.bindPopup(popup);
    var tip = document.createElement("span");
    tip.textContent = m.name;
    // Few places: names stay visible, so the map reads even without tiles.
    marker.bindTooltip(tip, { direction: "right", permanent: data.markers.length <= 12, className: "fw-label" });
    marker.addTo(map);
    bounds.push([m.lat, m.lon]);
  });

  if (bounds.length === 1) {
    map.setView(bounds[0], 9);
  } else {
    map.fitBounds(bounds, { padding: [24, 24], maxZoom: 11 });
  }
  holder.dataset.markers = String(bounds.length);
})();
