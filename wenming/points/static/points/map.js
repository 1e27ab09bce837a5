// The points map is the shared map component (core/map.js); this names what a point's popup
// shows: its name linked to its page, then its type and region.
(function () {
  "use strict";
  if (!window.WenmingMap) { return; }
  window.WenmingMap.popup("point", function (props) {
    var box = document.createElement("div");
    var link = document.createElement("a");
    link.href = props.url;
    link.textContent = props.name;
    box.appendChild(link);
    box.appendChild(document.createElement("br"));
    box.appendChild(document.createTextNode(props.type_name + " · " + props.region_name));
    return box;
  });
}());
