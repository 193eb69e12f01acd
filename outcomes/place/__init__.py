"""Place pages: the Margate Agreement register and the maps. Aggregates through `outcomes.disclosure`;
points on a map only for roles that may see the homes they mark."""
