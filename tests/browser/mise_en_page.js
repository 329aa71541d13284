// What a reader would see wrong in a page: returns one {genre, ou, ...} per problem found.
//   texte-coupe      an element that clips its text (overflow hidden, ellipsis) and has more to show
//   texte-deborde    a block whose text runs out of it (a cell, a label): it overlaps its neighbour
//   page-trop-large  the page is wider than the window: a part is cut on screen and on paper
//   svg-vide         an SVG drawn with no width or no height
//   svg-texte-dehors an SVG text that leaves its drawing
//   etat-texte-dehors a state's text that leaves its box in a diagram
//   textes-superposes two texts of a diagram drawn over each other
(() => {
  const problemes = [];
  const nom = el => {
    const texte = (el.textContent || "").trim().replace(/\s+/g, " ").slice(0, 70);
    return `${el.tagName.toLowerCase()}${el.className && typeof el.className === "string" ? "." + el.className : ""} « ${texte} »`;
  };
  const blocs = new Set(["block", "table-cell", "list-item", "flex", "grid", "inline-block", "flow-root"]);
  for (const el of document.querySelectorAll("body *")) {
    if (el.closest("svg")) continue;
    const cs = getComputedStyle(el);
    if (cs.display === "none" || el.clientWidth === 0) continue;
    const coupe = cs.overflowX !== "visible" || cs.overflowY !== "visible" || cs.textOverflow !== "clip";
    const trop = el.scrollWidth > el.clientWidth + 1 || (coupe && el.scrollHeight > el.clientHeight + 1);
    if (!trop) continue;
    if (coupe) problemes.push({genre: "texte-coupe", ou: nom(el), scrollWidth: el.scrollWidth, clientWidth: el.clientWidth});
    else if (blocs.has(cs.display) && [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()))
      problemes.push({genre: "texte-deborde", ou: nom(el), scrollWidth: el.scrollWidth, clientWidth: el.clientWidth});
  }
  const racine = document.documentElement;
  if (racine.scrollWidth > window.innerWidth + 1)
    problemes.push({genre: "page-trop-large", ou: "html", scrollWidth: racine.scrollWidth, largeur: window.innerWidth});
  const dedans = (b, r, marge = 0.5) =>
    b.left >= r.left - marge && b.right <= r.right + marge && b.top >= r.top - marge && b.bottom <= r.bottom + marge;
  const croise = (a, b) =>
    a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1;
  for (const svg of document.querySelectorAll("svg")) {
    if (svg.parentElement && svg.parentElement.closest("svg")) continue;
    const r = svg.getBoundingClientRect();
    if (!(r.width > 0 && r.height > 0)) {
      problemes.push({genre: "svg-vide", ou: nom(svg), largeur: r.width, hauteur: r.height});
      continue;
    }
    const textes = [...svg.querySelectorAll("text")].filter(t => t.textContent.trim());
    for (const t of textes)
      if (!dedans(t.getBoundingClientRect(), r)) problemes.push({genre: "svg-texte-dehors", ou: nom(t)});
    for (const etat of svg.querySelectorAll("g.etat")) {
      const boite = etat.querySelector("rect").getBoundingClientRect();
      for (const t of etat.querySelectorAll("text"))
        if (!dedans(t.getBoundingClientRect(), boite, 0)) problemes.push({genre: "etat-texte-dehors", ou: nom(t)});
    }
    if (!svg.classList.contains("diagramme")) continue;
    const boites = textes.map(t => [t, t.getBoundingClientRect()]);
    for (let i = 0; i < boites.length; i++)
      for (let j = i + 1; j < boites.length; j++)
        if (croise(boites[i][1], boites[j][1]))
          problemes.push({genre: "textes-superposes", ou: nom(boites[i][0]) + " / " + nom(boites[j][0])});
  }
  return problemes;
})()
