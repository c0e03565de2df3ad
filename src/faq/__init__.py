"""A dry-needling FAQ assistant that answers patients with vetted answers only."""
